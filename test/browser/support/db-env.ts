// The browser tests' own database unless DATABASE_URL says otherwise (imported before test/setup/env.ts, which
// would otherwise default to the main suite's streamrank_test).
process.env.DATABASE_URL ||= 'postgresql://postgres@127.0.0.1:5432/streamrank_test_browser';
