import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AlertRuleService } from '../alerts/alert-rule.service';
import { BrandService } from '../brands/brand.service';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EngineService } from '../engines/engine.service';
import { ProjectService } from '../projects/project.service';
import { PromptService } from '../prompts/prompt.service';
import { ArrivalReportService } from '../reports/arrival-report.service';
import { GapReportService } from '../reports/gap-report.service';
import { GroupedReportsService } from '../reports/grouped-reports.service';
import { MentionReportService } from '../reports/mention-report.service';
import { RunNowService } from '../runs/api/run-now.service';
import { RunQueryService } from '../runs/api/run-query.service';

/**
 * The services the REST controllers call, so every MCP tool answers exactly what the matching REST route
 * answers (same validation, tenancy checks, side effects). They are the singletons of their own feature
 * modules, looked up once at start-up (`strict: false`) rather than re-exported from each module: the MCP
 * module is a second edge over them, like a controller, and owns none of them.
 */
@Injectable()
export class McpServices implements OnModuleInit {
  projects!: ProjectService;
  brands!: BrandService;
  engines!: EngineService;
  prompts!: PromptService;
  grouped!: GroupedReportsService;
  mentions!: MentionReportService;
  arrival!: ArrivalReportService;
  gaps!: GapReportService;
  runs!: RunQueryService;
  runNow!: RunNowService;
  alertRules!: AlertRuleService;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const get = <T>(type: new (...args: never[]) => T): T => this.moduleRef.get(type, { strict: false });
    this.projects = get(ProjectService);
    this.brands = get(BrandService);
    this.engines = get(EngineService);
    this.prompts = get(PromptService);
    this.grouped = get(GroupedReportsService);
    this.mentions = get(MentionReportService);
    this.arrival = get(ArrivalReportService);
    this.gaps = get(GapReportService);
    this.runs = get(RunQueryService);
    this.runNow = get(RunNowService);
    this.alertRules = get(AlertRuleService);
  }
}
