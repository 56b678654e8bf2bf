import { Global, Module, OnModuleDestroy, Inject } from '@nestjs/common';
import type Redis from 'ioredis';
import { ConfigService } from '@hookline/config';
import { SecretCipher } from '@hookline/common';
import { REDIS } from '@hookline/queue';
import { GuardedAgents, createGuardedAgents } from './guarded-agent';
import { HttpClient } from './http-client';
import { OAuth2TokenProvider } from './oauth2-token.provider';
import { TargetPolicy } from './target-policy';
import { WebhookExecutor } from './webhook-executor';

export const GUARDED_AGENTS = Symbol('GUARDED_AGENTS');

class AgentCloser implements OnModuleDestroy {
  constructor(@Inject(GUARDED_AGENTS) private readonly agents: GuardedAgents) {}
  onModuleDestroy() {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** The outbound side: target policy, guarded agents, HTTP client, OAuth2 tokens, executor. */
@Global()
@Module({
  providers: [
    { provide: TargetPolicy, inject: [ConfigService], useFactory: (c: ConfigService) => new TargetPolicy(c.get('allowedTargetCidrs')) },
    { provide: GUARDED_AGENTS, inject: [TargetPolicy, ConfigService], useFactory: (p: TargetPolicy, c: ConfigService) => createGuardedAgents(p, Math.max(64, c.get('workerConcurrency') * 2)) },
    {
      provide: HttpClient,
      inject: [TargetPolicy, GUARDED_AGENTS, ConfigService],
      useFactory: (p: TargetPolicy, a: GuardedAgents, c: ConfigService) => new HttpClient(p, a, c.get('requestTimeoutMs')),
    },
    {
      provide: OAuth2TokenProvider,
      inject: [REDIS, SecretCipher, TargetPolicy, ConfigService],
      useFactory: (r: Redis, s: SecretCipher, p: TargetPolicy, c: ConfigService) => new OAuth2TokenProvider(r, s, p, c.get('requestTimeoutMs')),
    },
    { provide: WebhookExecutor, inject: [HttpClient, OAuth2TokenProvider], useFactory: (h: HttpClient, t: OAuth2TokenProvider) => new WebhookExecutor(h, t) },
    AgentCloser,
  ],
  exports: [TargetPolicy, HttpClient, OAuth2TokenProvider, WebhookExecutor],
})
export class DeliveryModule {}
