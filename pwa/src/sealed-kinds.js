// The kinds whose content the server keeps only as a sealed envelope (docs/crypto.md,
// "Record contents"). The server cannot read or merge them, so this device merges:
// each kind names the fields merged as text, line by line (merge.js). `format` is the
// version of the content's shape, bound into the envelope; a change of shape gets a
// new number here and a way to read the old one.
//
// Letters, plans, preferences and shared letters are still clear: the server merges
// them (docs/sync.md).

export const SEALED_KINDS = {
  toolkit_box: { format: 1, textFields: ["name", "note"] },
  toolkit_item: { format: 1, textFields: ["name", "feelsLike", "linkedTo", "keptAt", "note"] },
  toolkit_use: { format: 1, textFields: ["note"] },
  carry_card: { format: 1, textFields: ["text"] },
};

export const isSealed = (kind) => Object.hasOwn(SEALED_KINDS, kind);

export const textFieldsOf = (kind) => SEALED_KINDS[kind]?.textFields ?? [];
