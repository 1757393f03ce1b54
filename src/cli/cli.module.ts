import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { ApiKeyService } from '../auth/api-key.service';
import { WebSessionRepository } from '../auth/web-session.repository';
import { WebSessionService } from '../auth/web-session.service';
import { type AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ClockModule } from '../infra/clock/clock.module';
import { PrismaModule } from '../infra/prisma/prisma.module';

@Module({})
export class CliModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), PrismaModule, ClockModule],
      providers: [ApiKeyRepository, ApiKeyService, WebSessionRepository, WebSessionService],
    };
  }
}
