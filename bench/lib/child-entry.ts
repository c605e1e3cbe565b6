/** The child side of child.ts: import, call, send the result back, exit. */
process.once('message', async (m: { module: string; exportName: string; args: unknown }) => {
  try {
    const mod = (await import(m.module)) as Record<string, unknown>;
    const fn = mod[m.exportName];
    if (typeof fn !== 'function') throw new Error(`${m.module} has no exported function ${m.exportName}`);
    const result = await (fn as (a: unknown) => unknown)(m.args);
    process.send!({ ok: true, result }, () => process.exit(0));
  } catch (e) {
    process.send!({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1));
  }
});
