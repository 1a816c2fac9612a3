// Runs graphql-http's server audits (GraphQL over HTTP) against the URL given, and
// prints one JSON line per audit: {id, name, status, reason?, statusCode?}.
// Audits run one after another, so a small server is never flooded.
const { serverAudits } = require("graphql-http");

async function main() {
  const url = process.argv[2];
  if (!url) throw new Error("usage: node audit_server.cjs http://host:port/graphql");
  for (const audit of serverAudits({ url })) {
    const result = await audit.fn();
    const line = { id: result.id, name: result.name, status: result.status };
    if (result.status !== "ok") {
      line.reason = result.reason;
      line.statusCode = result.response && result.response.status;
    }
    console.log(JSON.stringify(line));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
