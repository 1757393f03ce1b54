import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
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
import { BrandExplainService } from './brand-explain.service';
import { BrandService } from './brand.service';
import { explainRequestSchema, explainResponseSchema, type ExplainResponse } from './dto/brand-explain.dto';
import {
  brandPageResponseSchema,
  brandResponseSchema,
  brandWriteResponseSchema,
  createBrandSchema,
  updateBrandSchema,
  type BrandView,
  type BrandWriteView,
} from './dto/brand.dto';

@ApiTags('brands')
@ApiBearerAuth()
@Controller('v1')
export class BrandsController {
  constructor(
    private readonly brands: BrandService,
    private readonly explainer: BrandExplainService,
  ) {}

  @ApiCreatedSchema(brandWriteResponseSchema)
  @Post('projects/:projectId/brands')
  @ApiBodySchema(createBrandSchema)
  create(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Body() body: unknown,
  ): Promise<BrandWriteView> {
    return this.brands.create(ws, projectId, parseInput(createBrandSchema, body));
  }

  @Get('projects/:projectId/brands')
  @ReadAccess()
  @ApiPage(brandPageResponseSchema)
  list(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Query() query: unknown,
  ): Promise<Page<BrandView>> {
    return this.brands.list(ws, projectId, parseInput(pageQuerySchema, query, 'query'));
  }

  /** What detection would count in a text, and why not the rest: read-only, so any key may ask. */
  @Post('projects/:projectId/brands/explain')
  @HttpCode(200)
  @ReadAccess()
  @ApiBodySchema(explainRequestSchema)
  @ApiOkSchema(explainResponseSchema)
  explain(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Body() body: unknown,
  ): Promise<ExplainResponse> {
    return this.explainer.explain(ws, projectId, parseInput(explainRequestSchema, body));
  }

  @Get('brands/:id')
  @ApiOkSchema(brandResponseSchema)
  @ReadAccess()
  get(@WorkspaceId() ws: string, @IdParam('id', 'Brand') id: string): Promise<BrandView> {
    return this.brands.get(ws, id);
  }

  @Patch('brands/:id')
  @ApiOkSchema(brandWriteResponseSchema)
  @ApiBodySchema(updateBrandSchema)
  update(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Brand') id: string,
    @Body() body: unknown,
  ): Promise<BrandWriteView> {
    return this.brands.update(ws, id, parseInput(updateBrandSchema, body));
  }

  @DeleteNoContent('brands/:id')
  delete(@WorkspaceId() ws: string, @IdParam('id', 'Brand') id: string): Promise<void> {
    return this.brands.delete(ws, id);
  }
}
