// Jest globalSetup for the browser tests: the main suite's (a freshly migrated database), on their own database.
import './env';
import globalSetup from '../../setup/global-setup';

export default globalSetup;
