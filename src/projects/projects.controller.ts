import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
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
  createProjectSchema,
  projectPageResponseSchema,
  projectResponseSchema,
  updateProjectSchema,
  type ProjectView,
} from './dto/project.dto';
import { ProjectService } from './project.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectService) {}

  @ApiCreatedSchema(projectResponseSchema)
  @Post()
  @ApiBodySchema(createProjectSchema)
  create(@WorkspaceId() ws: string, @Body() body: unknown): Promise<ProjectView> {
    return this.projects.create(ws, parseInput(createProjectSchema, body));
  }

  @Get()
  @ReadAccess()
  @ApiPage(projectPageResponseSchema)
  list(@WorkspaceId() ws: string, @Query() query: unknown): Promise<Page<ProjectView>> {
    return this.projects.list(ws, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOkSchema(projectResponseSchema)
  @ReadAccess()
  get(@WorkspaceId() ws: string, @IdParam('id', 'Project') id: string): Promise<ProjectView> {
    return this.projects.get(ws, id);
  }

  @Patch(':id')
  @ApiOkSchema(projectResponseSchema)
  @ApiBodySchema(updateProjectSchema)
  update(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Project') id: string,
    @Body() body: unknown,
  ): Promise<ProjectView> {
    return this.projects.update(ws, id, parseInput(updateProjectSchema, body));
  }

  @DeleteNoContent(':id')
  delete(@WorkspaceId() ws: string, @IdParam('id', 'Project') id: string): Promise<void> {
    return this.projects.delete(ws, id);
  }
}
