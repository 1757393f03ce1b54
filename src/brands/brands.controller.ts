import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiBearerAuth,
  ApiBody,
  ApiTags,
} from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { ApiPageQuery } from '../infra/http/api-page-query.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { parseInput } from '../infra/http/zod-body';
import { BrandExplainService } from './brand-explain.service';
import { BrandService } from './brand.service';
import { explainRequestSchema, explainResponseSchema, type ExplainResponse } from './dto/brand-explain.dto';
import {
  brandPageResponseSchema,
  brandResponseSchema,
  createBrandSchema,
  updateBrandSchema,
  type BrandView,
} from './dto/brand.dto';

@ApiTags('brands')
@ApiBearerAuth()
@Controller('v1')
export class BrandsController {
  constructor(
    private readonly brands: BrandService,
    private readonly explainer: BrandExplainService,
  ) {}

  @ApiCreatedResponse({ schema: openApiSchema(brandResponseSchema) })
  @Post('projects/:projectId/brands')
  @ApiBody({ schema: openApiSchema(createBrandSchema) })
  create(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
    @Body() body: unknown,
  ): Promise<BrandView> {
    return this.brands.create(ws, projectId, parseInput(createBrandSchema, body));
  }

  @Get('projects/:projectId/brands')
  @ReadAccess()
  @ApiPageQuery()
  @ApiOkResponse({ schema: openApiSchema(brandPageResponseSchema) })
  list(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
    @Query() query: unknown,
  ): Promise<Page<BrandView>> {
    return this.brands.list(ws, projectId, parseInput(pageQuerySchema, query, 'query'));
  }

  /** What detection would count in a text, and why not the rest: read-only, so any key may ask. */
  @Post('projects/:projectId/brands/explain')
  @HttpCode(200)
  @ReadAccess()
  @ApiBody({ schema: openApiSchema(explainRequestSchema) })
  @ApiOkResponse({ schema: openApiSchema(explainResponseSchema) })
  explain(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
    @Body() body: unknown,
  ): Promise<ExplainResponse> {
    return this.explainer.explain(ws, projectId, parseInput(explainRequestSchema, body));
  }

  @Get('brands/:id')
  @ApiOkResponse({ schema: openApiSchema(brandResponseSchema) })
  @ReadAccess()
  get(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Brand')) id: string): Promise<BrandView> {
    return this.brands.get(ws, id);
  }

  @Patch('brands/:id')
  @ApiOkResponse({ schema: openApiSchema(brandResponseSchema) })
  @ApiBody({ schema: openApiSchema(updateBrandSchema) })
  update(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Brand')) id: string,
    @Body() body: unknown,
  ): Promise<BrandView> {
    return this.brands.update(ws, id, parseInput(updateBrandSchema, body));
  }

  @Delete('brands/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Brand')) id: string): Promise<void> {
    return this.brands.delete(ws, id);
  }
}
