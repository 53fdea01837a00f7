/**
 * Maternité Sainte Félicité's software: the maternity's own records (admissions, deliveries,
 * caesareans, discharges), its CDA documents (CRA, OBP-SNM, CRO, lettre de liaison), the connector
 * that deposits them in the DMP over the MHD API, and the MSS sending of the lettre de liaison.
 * It reaches the DMP only as any professional software does: HTTPS with mutual TLS.
 */
export { loadMaternityConfig, SAINTE_FELICITE, type MaternityConfig, type MaternityIdentity } from './config.js';
export { MaternityError, type MaternityContext, type StaffMember } from './context.js';
export { startMaternity, MATERNITY_MIGRATIONS, type RunningMaternity, type StartMaternityOptions } from './host.js';
export { DmpClient, type DepositOutcome } from './connector/dmp-client.js';
export { ConnectorOutbox, type ConnectorTargets } from './connector/connector-outbox.js';
export { DEMO_MOTHER, DEMO_STAFF, DEMO_STAFF_PASSWORD, seedMaternityDemo } from './demo/maternity-demo.js';
