/** A one-line progress display on a terminal; plain lines (every ~10 %) in logs and CI. */
export function progressReporter(label: string) {
  const tty = process.stdout.isTTY;
  let lastTenth = -1;
  return {
    update(done: number, total: number, detail = '') {
      const fraction = total === 0 ? 1 : done / total;
      if (tty) {
        const width = 28;
        const filled = Math.round(fraction * width);
        process.stdout.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${detail}   `,
        );
      } else {
        const tenth = Math.floor(fraction * 10);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          console.log(`${label}: ${Math.round(fraction * 100)}% ${detail}`);
        }
      }
    },
    done(message: string) {
      if (tty) process.stdout.write('\n');
      console.log(message);
    },
  };
}
