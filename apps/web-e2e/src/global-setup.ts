import { startStack } from './stack';

export default async function globalSetup(): Promise<void> {
  const state = await startStack();
  console.log(`e2e stack: web ${state.webUrl}, api ${state.apiUrl}`);
}
