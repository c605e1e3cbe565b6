/**
 * The node flags the `atomic-exporter` command runs with: package.json's start script, the
 * bin's shebang (src/cli.ts) and the container's entrypoint (Dockerfile) spell them out, and
 * tests check that they agree with this list (test/cli/node-flags.test.ts, the container's in
 * test/sidecar/container.test.ts); tests and benches that start the command add them. `--single-threaded-gc`: see src/runtime/own-thread-gc.ts.
 */
export const COMMAND_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
