/**
 * The security plugin's audit log configuration the setup function puts
 * (PUT _plugins/_security/api/audit/config). The domain publishes AUDIT_LOGS to CloudWatch
 * Logs, but nothing is written until audit logging is enabled here as well: "you must also
 * enable them in OpenSearch Dashboards" or through this API
 * (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/audit-logs.html).
 *
 * What it records: failed logins and missing privileges on the REST and transport layers,
 * and every change to the security configuration (who mapped which role). Not every
 * granted request (AWS advises leaving GRANTED_PRIVILEGES and AUTHENTICATED out: they log
 * each valid request), not document contents, not credentials.
 *
 * The two 409s noted below are Amazon OpenSearch Service's, as the OpenSearch Terraform
 * provider documents them (opensearch-project/terraform-provider-opensearch,
 * docs/resources/audit_config.md).
 */
export const AUDIT_CONFIG = {
  enabled: true,
  audit: {
    enable_rest: true,
    disabled_rest_categories: ["GRANTED_PRIVILEGES", "AUTHENTICATED"],
    enable_transport: true,
    disabled_transport_categories: ["GRANTED_PRIVILEGES", "AUTHENTICATED"],
    // One event per bulk request, not one per document the indexer writes.
    resolve_bulk_requests: false,
    log_request_body: false,
    resolve_indices: true,
    // Authorization headers stay out of the log; the service refuses false (409).
    exclude_sensitive_headers: true,
    ignore_users: ["kibanaserver"],
    ignore_requests: [],
  },
  compliance: {
    enabled: true,
    // Changes to roles, mappings and users. The service refuses internal and external
    // config together (409), and its own opensearch.yml is not ours to watch.
    internal_config: true,
    external_config: false,
    read_metadata_only: true,
    read_watched_fields: {},
    read_ignore_users: ["kibanaserver"],
    write_metadata_only: true,
    write_log_diffs: false,
    write_watched_indices: [],
    write_ignore_users: ["kibanaserver"],
  },
} as const;
