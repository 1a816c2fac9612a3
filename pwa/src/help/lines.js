// Crisis lines, shipped with the app so they work offline. Each entry names the pages
// its numbers were checked against and when. On 2026-11-23 each number was checked
// against a stored copy of that page (the project's reference search), not the live
// site; some of those copies are a few years old. Check again before each release:
// numbers change rarely, but they do change.

export const CHECKED_HOW = "Checked on 23 November 2026 against a saved copy of each source page, not the live site.";

export const COUNTRIES = {
  US: {
    name: "the United States",
    emergency: "911",
    emergencySource:
      "https://health.wyo.gov/publichealth/prevention/wivpp/suicide-prevention/988-suicide-crisis-lifeline",
    lines: [
      {
        name: "988 Suicide & Crisis Lifeline",
        about: "Call or text 988, any time. Free and confidential, for any kind of emotional distress.",
        call: "988",
        text: "988",
        sources: [
          "https://www.mcphs.edu/student-life/counseling-services/emergency-services/988-suicide-and-crisis-lifeline",
        ],
        checked: "2026-11-23",
      },
      {
        name: "Crisis Text Line",
        about: "Text HOME to 741741, any time.",
        text: "741741",
        textBody: "HOME",
        sources: ["https://www.alexproject.org/crisis-text-line-text-home-to-741741"],
        checked: "2026-11-23",
      },
    ],
  },
  GB: {
    name: "the United Kingdom",
    emergency: "999",
    emergencySource: "https://giveusashout.org/about-us/faq",
    lines: [
      {
        name: "Samaritans",
        about: "Call 116 123, free, day or night. It does not show on your phone bill.",
        call: "116 123",
        sources: ["https://www.samaritans.org/how-we-can-help/contact-samaritan/"],
        checked: "2026-11-23",
      },
      {
        name: "Shout",
        about: "Text SHOUT to 85258, free, any time.",
        text: "85258",
        textBody: "SHOUT",
        sources: ["https://giveusashout.org/about-us/faq"],
        checked: "2026-11-23",
      },
    ],
  },
  IE: {
    name: "Ireland",
    emergency: "112 or 999",
    emergencyCall: "112",
    emergencySource: "https://www2.hse.ie/emergencies/when-to-call-112-or-999/",
    lines: [
      {
        name: "Samaritans",
        about: "Call 116 123, free, day or night.",
        call: "116 123",
        sources: [
          "https://www.samaritans.org/news/samaritans-in-northern-ireland-answer-one-million-calls-during-10-years-of-freephone",
        ],
        checked: "2026-11-23",
      },
      {
        name: "Pieta",
        about: "Call 1800 247 247, free, any time, or text 51444.",
        call: "1800 247 247",
        text: "51444",
        sources: [
          "https://avondhupress.ie/having-someone-to-talk-to-in-the-middle-of-the-night-actually-keeps-you-alive/",
          "http://www.pressreader.com/ireland/new-ross-standard/20200407/281878710488579",
        ],
        checked: "2026-11-23",
      },
      {
        name: "50808",
        about: "Text 50808, free, any time.",
        text: "50808",
        sources: ["https://www.irishexaminer.com/news/arid-31005605.html"],
        checked: "2026-11-23",
      },
    ],
  },
  CA: {
    name: "Canada",
    emergency: "911",
    emergencySource:
      "https://settlement.org/ontario/legal-services/police/emergency-services/how-can-i-get-help-in-an-emergency/",
    lines: [
      {
        name: "9-8-8: Suicide Crisis Helpline",
        about: "Call or text 988, any time, in English or French.",
        call: "988",
        text: "988",
        sources: [
          "https://www.newswire.ca/news-releases/government-of-canada-launches-three-digit-suicide-crisis-helpline-896472116.html",
        ],
        checked: "2026-11-23",
      },
    ],
  },
  AU: {
    name: "Australia",
    emergency: "000",
    emergencySource: "https://lifelineh2h.org.au/get-help/telephone-crisis-support/faqs/",
    lines: [
      {
        name: "Lifeline",
        about: "Call 13 11 14 or text 0477 13 11 14, any time.",
        call: "13 11 14",
        text: "0477 13 11 14",
        sources: [
          "https://lifelineh2h.org.au/get-help/telephone-crisis-support/faqs/",
          "https://www.theleader.com.au/story/7611333/lifeline-crisis-text-service-goes-247-to-help-more-in-need/",
        ],
        checked: "2026-11-23",
      },
      {
        name: "Beyond Blue",
        about: "Call 1300 22 4636, any time.",
        call: "1300 22 4636",
        sources: ["https://beyondblue.org.au/general/Product-Information-Sheets"],
        checked: "2026-11-23",
      },
    ],
  },
  NZ: {
    name: "New Zealand",
    emergency: "111",
    emergencySource:
      "https://www.globelink.co.uk/articles/country-information/travelling-to-new-zealand/telephone-and-postal-services-in-new-zealand.html",
    lines: [
      {
        name: "1737, Need to talk?",
        about: "Call or text 1737, free, any time, to talk with a trained counsellor.",
        call: "1737",
        text: "1737",
        sources: ["https://www.pegasus.health.nz/?p=6300"],
        checked: "2026-11-23",
      },
      {
        name: "Lifeline Aotearoa",
        about: "Call 0800 543 354 or text HELP (4357), any time.",
        call: "0800 543 354",
        text: "4357",
        textBody: "HELP",
        sources: [
          "https://vice.com/en/article/new-zealands-biggest-mental-health-helpline-misses-one-in-four-calls",
          "https://www.scoop.co.nz/stories/GE1803/S00053/lifeline-expands-to-offer-text-support-for-those-in-distress.htm",
        ],
        checked: "2026-11-23",
      },
    ],
  },
};

// The country from a locale such as "en-NZ"; English alone means no guess.
export function countryOf(locales) {
  for (const locale of locales) {
    let region = null;
    try {
      region = new Intl.Locale(locale).maximize().region;
      if (!/-/.test(locale)) region = null; // "en" maximizes to US: not a real signal
    } catch {
      region = null;
    }
    if (region === "UK") region = "GB";
    if (region && COUNTRIES[region]) return region;
  }
  return null;
}
