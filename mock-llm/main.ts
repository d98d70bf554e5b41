// CLI: `node dist/mock-llm/main.js` (the container) or `npm run mock-llm`. Listens on
// MOCK_LLM_HOST (default 0.0.0.0) and MOCK_LLM_PORT (default 8080), logs one line per request.
import { DEFAULT_MOCK_LLM_PORT, startMockLlm } from './server';

const port = Number(process.env.MOCK_LLM_PORT ?? DEFAULT_MOCK_LLM_PORT);
const host = process.env.MOCK_LLM_HOST ?? '0.0.0.0';
startMockLlm({ port, host, log: line => console.log(line) }).then(
  mock => {
    console.log(`mock-llm listening on ${host}:${mock.port}`);
    // PID 1 in a container gets no default SIGTERM handling: stop promptly ourselves.
    const stop = () => void mock.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: unknown) => {
    console.error(`mock-llm failed to start: ${String(error)}`);
    process.exit(1);
  },
);
