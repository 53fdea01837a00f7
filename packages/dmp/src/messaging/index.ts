/**
 * Outgoing messages (issue 3 item 3): the durable outbox and its dispatcher, the e-mail sender
 * (SMTP) and the SMS gateway interface, and the demo's mail server and SMS gateway with their inboxes.
 */
export { enqueueMessage, messageStatus, type OutgoingMessage, type QueuedMessage } from './message-outbox.js';
export { OutboxDispatcher, exponentialBackoff, type DispatchResult, type OutboxDispatcherOptions } from './outbox-dispatcher.js';
export { SmtpEmailSender, type EmailMessage, type EmailSender, type SmtpConfig } from './email-sender.js';
export { DemoSmsGateway, type SmsGateway, type SmsMessage } from './sms-gateway.js';
export { startDemoSmtpServer, type DemoSmtpOptions, type DemoSmtpServer } from './demo-smtp-server.js';
export { readDemoMailbox, readDemoSms, type DemoMail, type DemoSms, type InboxQuery } from './demo-inbox.js';
