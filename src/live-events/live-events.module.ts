import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { RunEventHub } from './run-event-hub';
import { RunEventStreams } from './run-event-stream.service';
import { RunEventsController } from './run-events.controller';
import { RunStateRepository } from './run-state.repository';

/**
 * The API side of live run events: the SSE endpoints of a run and of a project, fed by the process's one Redis
 * subscriber (RunEventHub). The worker side (RunEventPublisher, LiveEventWriter) is provided where runs execute.
 */
@Module({
  imports: [ProjectsModule],
  controllers: [RunEventsController],
  providers: [RunEventHub, RunEventStreams, RunStateRepository],
})
export class LiveEventsModule {}
