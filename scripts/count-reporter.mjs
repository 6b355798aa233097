// node:test reporter that counts leaf test results (suites excluded) and writes them as JSON.
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.type === 'test:pass' && !event.data.skip && !event.data.todo) passed++;
    // A failing todo test reports a known gap; node:test itself does not fail the run for it.
    if (event.type === 'test:fail' && !event.data.todo) failed++;
  }
  yield JSON.stringify({ passed, failed });
}
