// What kind of device this is, in a person's words: "phone", "tablet" or "computer".
// Sealed with each letter's edit (and each set-aside version), beside the device's sync
// id, so another device can say where words were written: "the phone, 22:50". Nothing
// else about the browser is kept.

export function deviceLabel(agent = navigator.userAgent, touchPoints = navigator.maxTouchPoints ?? 0) {
  if (/iPad|Tablet|PlayBook|Silk|Kindle/i.test(agent)) return "tablet";
  if (/Android/i.test(agent)) return /Mobile/i.test(agent) ? "phone" : "tablet";
  if (/iPhone|iPod|Mobile|Phone/i.test(agent)) return "phone";
  // iPadOS asks for the desktop site: a Mac that takes touch is an iPad.
  if (/Macintosh/i.test(agent) && touchPoints > 1) return "tablet";
  return "computer";
}
