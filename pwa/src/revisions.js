// A letter's earlier versions, which the server keeps as envelopes only: each is
// opened here with the account key (sealing.js). Loaded with the history screen.

import { gql } from "./api.js";
import { openSealed } from "./sealing.js";

const REVISIONS = `query Revisions($id: ID!) {
  letterRevisions(letterId: $id) { id version sealed format deviceId createdAt }
}`;

// Newest first: {id, version, deviceId, createdAt, content}, `content` null and
// `unopened` the reason when its envelope did not open on this device.
export async function revisions(letterId) {
  const found = (await gql(REVISIONS, { id: letterId })).letterRevisions;
  const envelopes = found.map((revision) => ({
    id: letterId,
    kind: "letter",
    sealed: revision.sealed,
    format: revision.format,
    deleted: false,
  }));
  const opened = await openSealed(envelopes);
  return found
    .map((revision, index) => {
      const { content = null, unopened = null } = opened.get(envelopes[index]);
      const { sealed: _, ...rest } = revision;
      return { ...rest, content, unopened };
    })
    .sort((a, b) => b.version - a.version);
}
