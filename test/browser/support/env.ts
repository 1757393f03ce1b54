// Jest setupFiles for the browser tests (and imported by their global-setup): their own database by default,
// then the ordinary test defaults (queue prefix, encryption key, silent logs).
import './db-env';
import '../../setup/env';
