// A time of day as the person's own locale writes it: "08:00" where the day has 24
// hours, "8:00 AM" where it has two halves. The locale decides, never the app.

const formats = new Map();

export function timeOfDay(date, timeZone = undefined) {
  const key = timeZone ?? "";
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { timeStyle: "short", timeZone });
    formats.set(key, format);
  }
  return format.format(date);
}
