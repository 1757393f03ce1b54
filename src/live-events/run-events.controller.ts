import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { sseContent } from '../infra/http/response-schemas';
import { RunEventStreams } from './run-event-stream.service';
import { projectEventDataSchemas, runEventDataSchemas } from './run-event-schemas';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('v1')
export class RunEventsController {
  constructor(private readonly streams: RunEventStreams) {}

  @Get('runs/:id/events')
  @ReadAccess()
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event id (replayed from the run log, kept for 1 h)',
  })
  @ApiOkResponse({
    description:
      'Server-Sent Events: `chunk` {index,text,arrivalMs}, `mention` {brandId,matched,charStart,charEnd,' +
      'visibleAtMs}, `status` {status,attempt,reason?,message?}, `scores` {scores}. Closes after the terminal ' +
      "event (`scores` after success, `status` failed/skipped). Event ids are the run log's stream ids " +
      '(`<ms>-<seq>`, with `.<k>` for the k-th chunk of a log entry holding several); send the last one back ' +
      'as Last-Event-ID to resume.',
    content: sseContent(runEventDataSchemas),
  })
  runEvents(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Run')) runId: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.streams.runStream(ws, runId, lastEventId, req, res);
  }

  @Get('projects/:projectId/events')
  @ReadAccess()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'Server-Sent Events feed of every run of the project: `status` and `mention` events, each with runId. ' +
      'Stays open; `: keep-alive` comments every 15 s. Live only (no replay).',
    content: sseContent(projectEventDataSchemas),
  })
  projectEvents(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.streams.projectStream(ws, projectId, req, res);
  }
}
