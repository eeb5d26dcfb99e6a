// Runs once when the server starts. The Node.js-only work lives in its own module so the
// Edge runtime build never sees it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkAtStart } = await import('./instrumentation-node');
    await checkAtStart();
  }
}
