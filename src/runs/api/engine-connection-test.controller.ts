import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkspaceId } from '../../auth/access.decorator';
import {
  engineTestResponseSchema,
  testEngineDraftSchema,
  updateEngineSchema,
  type EngineTestView,
} from '../../engines/dto/engine.dto';
import { EngineService } from '../../engines/engine.service';
import { ApiBodySchema, ApiOkSchema, IdParam } from '../../infra/http/crud.decorators';
import { parseInput } from '../../infra/http/zod-body';
import { EngineConnectionTester } from './engine-connection-test.service';

/**
 * Test connection: one short real call to an engine, through the run adapters, answered with its outcome
 * class. Admin only (it spends the engine's credential); nothing is stored. Lives with the runs because it
 * streams through their ProviderRegistry (the engines module cannot import the runs without a cycle).
 */
@ApiTags('engines')
@ApiBearerAuth()
@Controller('v1/engines')
export class EngineConnectionTestController {
  constructor(
    private readonly engines: EngineService,
    private readonly tester: EngineConnectionTester,
  ) {}

  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test an unsaved engine configuration with one short call (nothing is stored)' })
  @ApiBodySchema(testEngineDraftSchema)
  @ApiOkSchema(engineTestResponseSchema)
  testDraft(@WorkspaceId() ws: string, @Body() body: unknown): Promise<EngineTestView> {
    return this.tester.test(this.engines.draftTarget(ws, parseInput(testEngineDraftSchema, body)));
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Test a saved engine with one short call; the body may carry unsaved changes (nothing is stored)',
  })
  @ApiBodySchema(updateEngineSchema)
  @ApiOkSchema(engineTestResponseSchema)
  async test(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Engine') id: string,
    @Body() body: unknown,
  ): Promise<EngineTestView> {
    const changes = parseInput(updateEngineSchema, body);
    return this.tester.test(await this.engines.testTarget(ws, id, changes));
  }
}
