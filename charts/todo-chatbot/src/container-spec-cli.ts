// Transitional: tools/containers/stack.mjs still runs this as a process until it imports
// containerSpec() from @todo/chart itself; delete this file then.
//   TODO_SPEC_INPUT='{"webOrigin":"http://127.0.0.1:3000","secrets":{...}}' \
//     npx tsx charts/todo-chatbot/src/container-spec-cli.ts   # prints JSON
import { containerSpec, type SpecInput } from './container-spec';

const input = JSON.parse(process.env['TODO_SPEC_INPUT'] ?? 'null') as SpecInput | null;
if (!input) {
  console.error('container-spec: set TODO_SPEC_INPUT to {"webOrigin": ..., "secrets": {"jwt", "auth", "postgres"}}');
  process.exit(2);
}
containerSpec(input)
  .then((spec) => process.stdout.write(JSON.stringify(spec)))
  .catch((error: unknown) => {
    console.error(`container-spec: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
