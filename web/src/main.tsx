import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { queryClient } from './api/query-client';
import { loadEcharts } from './charts/EChart';
import { router } from './router';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing in index.html');

// A report page needs the chart chunk: fetch it now, alongside the session check and the reports, rather
// than after the first report has answered and a chart mounts.
if (/^\/p\/[^/]+\/(overview|competitors|sources)\b/.test(window.location.pathname)) void loadEcharts();

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
