// The Prompts screens are built in web/src/prompts/**; this only wires them to the router.
import { NewPromptPage, PromptPage } from '../prompts/PromptPage';
import { newPromptRoute, promptRoute } from '../router';

export function NewPromptRoute() {
  const { projectId } = newPromptRoute.useParams();
  return <NewPromptPage projectId={projectId} />;
}

export function PromptRoute() {
  const { projectId, promptId } = promptRoute.useParams();
  return <PromptPage key={promptId} projectId={projectId} promptId={promptId} />;
}
