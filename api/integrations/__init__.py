"""Helpdesk connectors: Chatwoot and Zammad webhooks in, a drafted reply back as a private note.

A webhook only verifies, filters and stores a job (api.integrations.jobs) and enqueues it on huey
(api.integrations.queue); a worker (api.integrations.worker) drafts with the usual pipeline and
posts the note through the helpdesk's API (api.integrations.chatwoot, api.integrations.zammad).
"""
