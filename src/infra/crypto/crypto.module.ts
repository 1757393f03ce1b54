import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import { type AppConfig } from '../../config/app-config';
import { CredentialCipher } from './credential-cipher';

@Global()
@Module({
  providers: [
    {
      provide: CredentialCipher,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new CredentialCipher(c.ENCRYPTION_KEY),
    },
  ],
  exports: [CredentialCipher],
})
export class CryptoModule {}
