/**
 * The Paybook Sync seed document (003_772cc36d85931202.txt): its webhook object and the bodies of its three events,
 * key for key (the document prints them key-sorted).
 */
export const paybookSeedWebhook = {
  "id_webhook": "5d9bab5b8c91e73b2e4c75d3",
  "id_user": null,
  "is_disabled": 1,
  "events": [
    "credential_create",
    "credential_update",
    "refresh"
  ],
  "url": "https://webhook_domain/my_webhook",
  "delay": 0,
  "ct_failed": 1001,
  "dt_created": "2019-10-07T21:17:15+00:00",
  "dt_modified": "2020-03-20T05:37:43+00:00"
};

export const paybookSeedBodies = {
  "credential_create": {
    "endpoints": {
      "credential": [
        "/v1/credentials/5e793889ea4c5165d46f9811"
      ]
    },
    "event": "credential_create",
    "id_credential": "5e793889ea4c5165d46f9811",
    "id_external": "IXS7607092R5",
    "id_job": "5e793889b783081dd61de29c",
    "id_job_uuid": "5e793889b783081dd61de29b",
    "id_site": "5da784f1f9de2a06483abec1",
    "id_site_organization": "56cf4ff5784806152c8b4567",
    "id_site_organization_type": "56cf4f5b784806cf028b4569",
    "id_user": "5e751d54d0510472295413b3",
    "is_executing": 1
  },
  "credential_update": {
    "endpoints": {
      "credential": [
        "/v1/credentials/5e793889ea4c5165d46f9811"
      ]
    },
    "event": "credential_update",
    "id_credential": "5e793889ea4c5165d46f9811",
    "id_external": "IXS7607092R5",
    "id_job": "5e793889b783081dd61de29c",
    "id_job_uuid": "5e793889b783081dd61de29b",
    "id_site": "5da784f1f9de2a06483abec1",
    "id_site_organization": "56cf4ff5784806152c8b4567",
    "id_site_organization_type": "56cf4f5b784806cf028b4569",
    "id_user": "5e751d54d0510472295413b3",
    "is_executing": 1
  },
  "refresh": {
    "endpoints": {
      "accounts": [
        "/v1/accounts?id_credential=5e793889ea4c5165d46f9811&limit=5000&skip=0&wbhk=1"
      ],
      "attachments": [
        "/v1/attachments/export?id_credential=5e793889ea4c5165d46f9811&limit=5000&skip=0&wbhk=1",
        "/v1/attachments/export?id_credential=5e793889ea4c5165d46f9811&limit=5000&skip=5000&wbhk=1",
        "/v1/attachments/export?id_credential=5e793889ea4c5165d46f9811&limit=5000&skip=10000&wbhk=1"
      ],
      "credential": [
        "/v1/credentials/5e793889ea4c5165d46f9811"
      ],
      "transactions": [
        "/v1/transactions?id_credential=5e793889ea4c5165d46f9811&limit=5000&skip=0&wbhk=1",
        "/v1/transactions?id_credential=5e793889ea4c5165d46f9811&limit=5000&skip=5000&wbhk=1",
        "/v1/transactions?id_credential=5e793889ea4c5165d46f9811&limit=5000&skip=10000&wbhk=1"
      ]
    },
    "event": "refresh",
    "id_credential": "5e793889ea4c5165d46f9811",
    "id_external": "IXS7607092R5",
    "id_job": "5e793889b783081dd61de29c",
    "id_job_uuid": "5e793889b783081dd61de29b",
    "id_site": "5da784f1f9de2a06483abec1",
    "id_site_organization": "56cf4ff5784806152c8b4567",
    "id_site_organization_type": "56cf4f5b784806cf028b4569",
    "id_user": "5e751d54d0510472295413b3"
  }
};
