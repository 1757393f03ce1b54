import { Module } from '@nestjs/common';
import { EngineRepository } from './engine.repository';
import { EngineService } from './engine.service';
import { EnginesController } from './engines.controller';

@Module({
  controllers: [EnginesController],
  providers: [EngineRepository, EngineService],
  exports: [EngineService, EngineRepository],
})
export class EnginesModule {}
