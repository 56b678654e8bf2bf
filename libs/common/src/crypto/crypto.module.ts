import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { SecretCipher } from './secret-cipher';

@Global()
@Module({
  providers: [{ provide: SecretCipher, inject: [ConfigService], useFactory: (c: ConfigService) => new SecretCipher(c.get('encryptionKey')) }],
  exports: [SecretCipher],
})
export class CryptoModule {}
