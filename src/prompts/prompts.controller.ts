import { Body, Controller, Get, Inject, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  ApiBodySchema,
  ApiCreatedSchema,
  ApiOkSchema,
  ApiPage,
  DeleteNoContent,
  IdParam,
} from '../infra/http/crud.decorators';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { parseInput } from '../infra/http/zod-body';
import {
  createPromptSchema,
  promptPageResponseSchema,
  promptResponseSchema,
  updatePromptSchema,
  type PromptView,
} from './dto/prompt.dto';
import { PromptService } from './prompt.service';

// Documented with the default sample bound; the running bound is MAX_SAMPLES_PER_SLOT.
const DOC_MAX_SAMPLES = 10;

@ApiTags('prompts')
@ApiBearerAuth()
@Controller('v1')
export class PromptsController {
  private readonly createSchema: ReturnType<typeof createPromptSchema>;
  private readonly updateSchema: ReturnType<typeof updatePromptSchema>;

  constructor(
    private readonly prompts: PromptService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.createSchema = createPromptSchema(config.MAX_SAMPLES_PER_SLOT);
    this.updateSchema = updatePromptSchema(config.MAX_SAMPLES_PER_SLOT);
  }

  @ApiCreatedSchema(promptResponseSchema)
  @Post('projects/:projectId/prompts')
  @ApiBodySchema(createPromptSchema(DOC_MAX_SAMPLES))
  create(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Body() body: unknown,
  ): Promise<PromptView> {
    return this.prompts.create(ws, projectId, parseInput(this.createSchema, body));
  }

  @Get('projects/:projectId/prompts')
  @ReadAccess()
  @ApiPage(promptPageResponseSchema)
  list(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Query() query: unknown,
  ): Promise<Page<PromptView>> {
    return this.prompts.list(ws, projectId, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get('prompts/:id')
  @ApiOkSchema(promptResponseSchema)
  @ReadAccess()
  get(@WorkspaceId() ws: string, @IdParam('id', 'Prompt') id: string): Promise<PromptView> {
    return this.prompts.get(ws, id);
  }

  @Patch('prompts/:id')
  @ApiOkSchema(promptResponseSchema)
  @ApiBodySchema(updatePromptSchema(DOC_MAX_SAMPLES))
  update(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Prompt') id: string,
    @Body() body: unknown,
  ): Promise<PromptView> {
    return this.prompts.update(ws, id, parseInput(this.updateSchema, body));
  }

  @DeleteNoContent('prompts/:id')
  delete(@WorkspaceId() ws: string, @IdParam('id', 'Prompt') id: string): Promise<void> {
    return this.prompts.delete(ws, id);
  }
}
