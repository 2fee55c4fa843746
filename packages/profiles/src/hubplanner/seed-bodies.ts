/**
 * The nine delivery examples of the Hub Planner seed document (001_2c4c4e3c28327e36.txt, "Responses when Subscribed to
 * Webhooks"), key for key; Mongo's `ObjectId("…")` is shown as its hex string and the "valid for deleted webhook only"
 * comments are dropped, so each is plain JSON.
 */
export const hubPlannerSeedBodies = {
  "project.update": {
    "event": "project.update",
    "resourceIds": [],
    "projectManagerIds": [],
    "end": null,
    "start": null,
    "useProjectDays": false,
    "workDays": [
      false,
      true,
      true,
      true,
      true,
      true,
      false
    ],
    "includeBookedTimeGrid": true,
    "tags": [],
    "customFields": [],
    "type": "REGULAR",
    "status": "Active",
    "name": "Test Project",
    "projectId": "59a66aafe1b60a251c86b6a2"
  },
  "resource.update": {
    "event": "resource.update",
    "isProjectManager": true,
    "useResourceAvailability": false,
    "customAvailabilities": [
      {
        "_id": "59a66af0e1b60a251c86b6ad",
        "weekDays": {
          "sunday": {
            "minutes": 0,
            "workDay": false
          },
          "saturday": {
            "minutes": 0,
            "workDay": false
          },
          "friday": {
            "minutes": 0,
            "workDay": true
          },
          "thursday": {
            "minutes": 0,
            "workDay": true
          },
          "wednesday": {
            "minutes": 0,
            "workDay": true
          },
          "tuesday": {
            "minutes": 0,
            "workDay": true
          },
          "monday": {
            "minutes": 0,
            "workDay": true
          }
        },
        "end": null,
        "start": null
      }
    ],
    "tags": [
      {
        "tagId": "59a66aeee1b60a251c86b6aa",
        "value": "superstar",
        "_id": "59a66af0e1b60a251c86b6ae"
      }
    ],
    "customFields": [],
    "type": "REGULAR",
    "status": "STATUS_ACTIVE",
    "role": "ROLE_TEAM",
    "lastName": "Smith",
    "firstName": "Alan",
    "resourceId": "59a66af0e1b60a251c86b6ab",
    "email": "smith@test.com"
  },
  "booking.create": {
    "event": "booking.create",
    "duration": "24 hrs",
    "categoryName": "General",
    "end": {
      "day": "14th",
      "month": "Sep",
      "year": "2017",
      "date": "2017-09-14T18:00:00.000Z",
      "formatted": "Sep 14th 2017"
    },
    "start": {
      "day": "12th",
      "month": "Sep",
      "year": "2017",
      "date": "2017-09-12T09:00:00.000Z",
      "formatted": "Sep 12th 2017"
    },
    "createdBy": "5c62978a7b10e376c13faaaa",
    "updatedBy": "5c62978a7b10e376c13fbbbb",
    "bookingCreatorName": "Mike Tyson",
    "bookingCreatorId": "5c62978a7b10e376c13faaaa",
    "lastUpdatedById": "5c62978a7b10e376c13fbbbb",
    "lastUpdatedByName": "Andrew Hammonds",
    "resourceName": "Resource 1",
    "projectName": "Test Project",
    "projectId": "5963b1320eb98a0be485a1d4",
    "resourceId": "5963b1320eb98a0be485a1cb",
    "bookingId": "5363b1320ec94a0be400a1de"
  },
  "timeEntry.create": {
    "event": "timeEntry.create",
    "status": "UNSUBMITTED",
    "categoryName": "General",
    "minutes": "180",
    "date": "2017-08-30T00:00",
    "projectId": "59a008a8ab3cad27e08a9374",
    "timeEntryId": "59a3ea783e1e8427b4547a6d"
  },
  "timeEntry.update": {
    "event": "timeEntry.update",
    "status": "SUBMITTED",
    "categoryName": "General",
    "minutes": "180",
    "date": "2017-08-30T00:00",
    "projectId": "59a008a8ab3cad27e08a9374",
    "timeEntryId": "59a3ea783e1e8427b4547a6d"
  },
  "timeEntry.create.update": {
    "event": "timeEntry.create.update",
    "status": "SUBMITTED",
    "categoryName": "General",
    "minutes": "180",
    "date": "2017-08-30T00:00",
    "projectId": "59a008a8ab3cad27e08a9374",
    "timeEntryId": "59a3ea783e1e8427b4547a6d"
  },
  "timeEntry.delete": {
    "event": "timeEntry.delete",
    "status": "SUBMITTED",
    "categoryName": "General",
    "minutes": "180",
    "date": "2017-08-30T00:00",
    "projectId": "59a008a8ab3cad27e08a9374",
    "timeEntryId": "59a3ea783e1e8427b4547a6d"
  },
  "booking.update": {
    "bookingId": "5adefe5561d3404890330f04",
    "resourceId": "5addf4cd3b1d17531862d2b3",
    "projectId": "5ad9d08c880646448864427c",
    "projectName": "Test Project",
    "resourceName": "Resource 1",
    "createdBy": "5c62978a7b10e376c13faaaa",
    "updatedBy": "5c62978a7b10e376c13fbbbb",
    "bookingCreatorName": "Mike Tyson",
    "bookingCreatorId": "5c62978a7b10e376c13faaaa",
    "lastUpdatedById": "5c62978a7b10e376c13fbbbb",
    "lastUpdatedByName": "Andrew Hammonds",
    "start": {
      "formatted": "Apr 24th 2018",
      "date": "2018-04-24T07:00:00.000Z",
      "year": "2018",
      "month": "Apr",
      "day": "24th"
    },
    "end": {
      "formatted": "Apr 25th 2018",
      "date": "2018-04-25T16:00:00.000Z",
      "year": "2018",
      "month": "Apr",
      "day": "25th"
    },
    "categoryName": "General",
    "duration": "16 hrs",
    "event": "booking.update"
  },
  "booking.delete": {
    "bookingId": "5addef855d2d554e026028a9",
    "resourceId": "5ad9d08c8806464488644245",
    "projectId": "5adda32626bc1357570172b4",
    "projectName": "Test Project",
    "resourceName": "Resource 1",
    "createdBy": "5c62978a7b10e376c13faaaa",
    "updatedBy": "5c62978a7b10e376c13fbbbb",
    "bookingCreatorName": "Mike Tyson",
    "bookingCreatorId": "5c62978a7b10e376c13faaaa",
    "lastUpdatedById": "5c62978a7b10e376c13fbbbb",
    "lastUpdatedByName": "Andrew Hammonds",
    "deletedById": "5c62978a7b10e376c13faaaa",
    "deletedByResourceName": "Andrew Hammonds",
    "start": {
      "formatted": "May 10th 2018",
      "date": "2018-05-10T07:00:00.000Z",
      "year": "2018",
      "month": "May",
      "day": "10th"
    },
    "end": {
      "formatted": "May 12th 2018",
      "date": "2018-05-12T16:00:00.000Z",
      "year": "2018",
      "month": "May",
      "day": "12th"
    },
    "categoryName": "General",
    "duration": "16 hrs",
    "event": "booking.delete"
  },
  "booking.delete.multiple": [
    {
      "bookingId": "5addef855d2d554e026028a8",
      "resourceId": "5ad9d08c8806464488644245",
      "projectId": "5adda32626bc1357570172b4",
      "projectName": "Test Project",
      "resourceName": "Resource 1",
      "createdBy": "5c62978a7b10e376c13faaaa",
      "updatedBy": "5c62978a7b10e376c13fbbbb",
      "bookingCreatorName": "Mike Tyson",
      "bookingCreatorId": "5c62978a7b10e376c13faaaa",
      "lastUpdatedById": "5c62978a7b10e376c13fbbbb",
      "lastUpdatedByName": "Andrew Hammonds",
      "start": {
        "formatted": "May 10th 2018",
        "date": "2018-05-10T07:00:00.000Z",
        "year": "2018",
        "month": "May",
        "day": "10th"
      },
      "end": {
        "formatted": "May 12th 2018",
        "date": "2018-05-12T16:00:00.000Z",
        "year": "2018",
        "month": "May",
        "day": "12th"
      },
      "categoryName": "General",
      "duration": "16 hrs",
      "event": "booking.delete.multiple"
    },
    {
      "bookingId": "5addef855d2d554e026028a9",
      "resourceId": "5ad9d08c8806464488644245",
      "projectId": "5adda32626bc1357570172b4",
      "projectName": "Test Project",
      "resourceName": "Resource 1",
      "createdBy": "5c62978a7b10e376c13faaaa",
      "updatedBy": "5c62978a7b10e376c13fbbbb",
      "bookingCreatorName": "Mike Tyson",
      "bookingCreatorId": "5c62978a7b10e376c13faaaa",
      "lastUpdatedById": "5c62978a7b10e376c13fbbbb",
      "lastUpdatedByName": "Andrew Hammonds",
      "start": {
        "formatted": "May 11th 2018",
        "date": "2018-05-11T07:00:00.000Z",
        "year": "2018",
        "month": "May",
        "day": "11th"
      },
      "end": {
        "formatted": "May 13th 2018",
        "date": "2018-05-13T16:00:00.000Z",
        "year": "2018",
        "month": "May",
        "day": "13th"
      },
      "categoryName": "General",
      "duration": "16 hrs",
      "event": "booking.delete.multiple"
    }
  ]
};
