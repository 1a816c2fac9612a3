// The kinds whose content the server keeps only as a sealed envelope (docs/crypto.md,
// "Record contents"). The server cannot read or merge them, so this device merges:
// each kind names the fields merged as text, line by line (merge.js), and the lists
// merged thing by thing, by id (merge-lists.js), with the text fields of each thing.
// Any other field changed on two devices at once keeps the other device's value and
// sets this device's aside. `format` is the version of the content's shape, bound
// into the envelope; a change of shape gets a new number here and a way to read the
// old one.
//
// `stamps` say who wrote last and when (a time first): they are never set aside. After a
// merge they are the other device's when anything was set aside (its words are the
// ones shown), else the newer side's.
//
// Shared letters (the therapist's copy) are still clear (docs/sharing.md).

export const SEALED_KINDS = {
  toolkit_box: { format: 1, textFields: ["name", "note"] },
  toolkit_item: { format: 1, textFields: ["name", "feelsLike", "linkedTo", "keptAt", "note"] },
  toolkit_use: { format: 1, textFields: ["note"] },
  carry_card: { format: 1, textFields: ["text"] },
  // Contacts (crisisContacts, coveringClinician) are not merged person by person: a
  // list changed on both devices keeps the other's and sets this device's aside.
  plan: { format: 1, textFields: ["title", "contactAgreement"], lists: { steps: ["text"] } },
  // Choices, switches, a country code and contacts: nothing to merge by line.
  preferences: { format: 1, textFields: [] },
  letter: { format: 1, textFields: ["title", "body"], stamps: ["clientEditedAt", "editedOn"] },
};

export const isSealed = (kind) => Object.hasOwn(SEALED_KINDS, kind);

export const textFieldsOf = (kind) => SEALED_KINDS[kind]?.textFields ?? [];

// The lists of a kind merged by id: field → its names of things' text fields.
export const listsOf = (kind) => SEALED_KINDS[kind]?.lists ?? {};

export const stampsOf = (kind) => SEALED_KINDS[kind]?.stamps ?? [];
