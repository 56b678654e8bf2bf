import { Global, Module, OnModuleDestroy, Inject } from '@nestjs/common';
import type Redis from 'ioredis';
import { ConfigService } from '@hookline/config';
import { SecretCipher } from '@hookline/common';
import { REDIS } from '@hookline/queue';
import type { Agent } from 'undici';
import { HttpClient } from './http-client';
import { OAuth2TokenProvider } from './oauth2-token.provider';
import { TargetPolicy } from './target-policy';
import { createGuardedDispatcher } from './undici-transport';
import { WebhookExecutor } from './webhook-executor';

export const GUARDED_DISPATCHER = Symbol('GUARDED_DISPATCHER');

class DispatcherCloser implements OnModuleDestroy {
  constructor(@Inject(GUARDED_DISPATCHER) private readonly dispatcher: Agent) {}
  async onModuleDestroy() {
    await this.dispatcher.destroy();
  }
}

/** The outbound side: target policy, the guarded transport, HTTP client, OAuth2 tokens, executor. */
@Global()
@Module({
  providers: [
    { provide: TargetPolicy, inject: [ConfigService], useFactory: (c: ConfigService) => new TargetPolicy(c.get('allowedTargetCidrs')) },
    {
      provide: GUARDED_DISPATCHER,
      inject: [TargetPolicy, ConfigService],
      // Connections per origin, as many as the worker's requests and again as many closing or idle.
      useFactory: (p: TargetPolicy, c: ConfigService) => createGuardedDispatcher(p, Math.max(64, c.get('workerConcurrency') * 2), c.get('requestTimeoutMs')),
    },
    {
      provide: HttpClient,
      inject: [TargetPolicy, GUARDED_DISPATCHER, ConfigService],
      useFactory: (p: TargetPolicy, d: Agent, c: ConfigService) => new HttpClient(p, d, c.get('requestTimeoutMs')),
    },
    {
      provide: OAuth2TokenProvider,
      inject: [REDIS, SecretCipher, TargetPolicy, ConfigService],
      useFactory: (r: Redis, s: SecretCipher, p: TargetPolicy, c: ConfigService) => new OAuth2TokenProvider(r, s, p, c.get('requestTimeoutMs')),
    },
    { provide: WebhookExecutor, inject: [HttpClient, OAuth2TokenProvider], useFactory: (h: HttpClient, t: OAuth2TokenProvider) => new WebhookExecutor(h, t) },
    DispatcherCloser,
  ],
  exports: [TargetPolicy, HttpClient, OAuth2TokenProvider, WebhookExecutor],
})
export class DeliveryModule {}
