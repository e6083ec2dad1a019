// Named steps for the browser tests: each logs ok or FAIL with its time,
// and the first failure stops the test (the error is thrown on).

/** Counts the steps that passed; steps.run(name, fn) runs one. */
export function stepper() {
  const steps = {
    passed: 0,
    async run(name, fn) {
      const started = Date.now();
      try {
        await fn();
        steps.passed++;
        console.log(`  ok   ${name} (${Date.now() - started} ms)`);
      } catch (err) {
        console.log(`  FAIL ${name}: ${err instanceof Error ? err.message : err}`);
        throw err;
      }
    },
  };
  return steps;
}

/** Fails the current step with msg unless cond holds. */
export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}
