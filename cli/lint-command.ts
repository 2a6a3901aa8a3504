/** Placeholder until `dwp lint` lands; the dispatcher needs a module to load. */
export async function run(): Promise<number> {
  process.stderr.write('dwp lint: not built yet\n');
  return 2;
}
