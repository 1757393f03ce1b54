// Types of the run endpoints, derived from the generated client (never hand-written).
import type {
  BrandsControllerListResponse,
  EnginesControllerListResponse,
  ProjectsControllerGetResponse,
  PromptsControllerListResponse,
  RunsControllerGetResponse,
  RunsControllerListData,
  RunsControllerListResponse,
  RunsControllerTokensResponse,
} from '../../../clients/typescript/types.gen';

export type RunDetail = RunsControllerGetResponse;
export type RunResult = NonNullable<RunDetail['result']>;
export type RunChunk = RunResult['chunks'][number];
export type RunMention = RunDetail['mentions'][number];
export type RunScore = RunDetail['scores'][number];
export type RunCitation = RunDetail['citations'][number];
export type RunAttempt = RunDetail['attemptLog'][number];
export type RunStatus = RunDetail['status'];
export type RunToken = RunsControllerTokensResponse['data'][number];
export type RunListItem = RunsControllerListResponse['data'][number];
export type RunListQuery = NonNullable<RunsControllerListData['query']>;
export type Brand = BrandsControllerListResponse['data'][number];
export type Engine = EnginesControllerListResponse['data'][number];
export type Prompt = PromptsControllerListResponse['data'][number];
export type Project = ProjectsControllerGetResponse;
