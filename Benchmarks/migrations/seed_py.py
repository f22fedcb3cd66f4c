"""Seeds legacy trades (the engine tests' shapes: v0, v1, and an anomaly in every 9th and 10th of ten)."""
import datetime

from google.cloud import firestore


def trade(i):
    fields = {"title": f"Trade {i}", "status": "active"}
    creator = f"user-{i % 17}"
    k = i % 10
    if k <= 5:
        fields["creatorId"] = creator
        if i % 3 == 0:
            fields["participantId"] = f"user-{i % 13 + 100}"
        fields["offeredSkills"] = ["React", "TypeScript", "React"]
        fields["requestedSkills"] = ["Node.js"]
        if i % 2 == 0:
            fields["createdAt"] = f"2024-03-01T10:00:{i % 60:02d}Z"
        else:
            fields["createdAt"] = datetime.datetime.fromtimestamp(1_700_000_000 + i, datetime.timezone.utc)
    elif k in (6, 7):
        fields["creatorId"] = creator
        fields["skillsOffered"] = [{"name": "Swift", "level": "expert"}, {"name": "Go", "category": "backend"}]
        fields["skillsWanted"] = [{"name": "Rust"}, "Kotlin"]
        fields["participants"] = {"creator": creator}
        fields["createdAt"] = datetime.datetime.fromtimestamp(1_700_000_000 + i, datetime.timezone.utc)
    elif k == 8:
        fields["creatorId"] = creator
        fields["offeredSkills"] = ["Design"]
        fields["requestedSkills"] = []
    else:
        fields["participants"] = {"creator": "user-1"}
        fields["creatorId"] = "user-2"
        fields["offeredSkills"] = ["Cooking"]
        fields["requestedSkills"] = ["Baking"]
        fields["createdAt"] = datetime.datetime.fromtimestamp(1_700_000_000, datetime.timezone.utc)
    return fields


def seed(project, n):
    client = firestore.Client(project=project)
    writer = client.bulk_writer()
    for i in range(n):
        writer.set(client.document(f"trades/t{i:07d}"), trade(i))
    writer.close()


if __name__ == "__main__":
    import sys
    seed(sys.argv[1], int(sys.argv[2]))
