// GraphQL over a JSON POST. Every failure becomes an ApiError with a stable code;
// OFFLINE means the server could not be reached at all.

export class ApiError extends Error {
  constructor(code, message, field = null, retryAfterSeconds = null) {
    super(message);
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const offline = (error) => error instanceof ApiError && error.code === "OFFLINE";

export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      credentials: "same-origin",
      cache: "no-store",
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("OFFLINE", "You're offline. Everything is kept on this device.");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError("OFFLINE", "The server isn't answering right now.");
  }
  const error = body.errors?.[0];
  if (error) {
    const { code = "INTERNAL", field = null, retryAfterSeconds = null } = error.extensions ?? {};
    throw new ApiError(code, error.message, field, retryAfterSeconds);
  }
  return body.data;
}
