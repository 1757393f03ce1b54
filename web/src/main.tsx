import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { prefetchReportPage } from './api/prefetch';
import { queryClient } from './api/query-client';
import { loadEcharts } from './charts/EChart';
import { router } from './router';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing in index.html');

// A report page needs its reports and the chart chunk: start both now, alongside the session check, rather
// than after the check, the layout and the first report have each answered in turn.
if (prefetchReportPage(window.location.pathname, window.location.search)) void loadEcharts();

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
