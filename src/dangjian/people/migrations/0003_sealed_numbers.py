"""身份证号 and 手机号 sealed at rest (records.sealed): existing plaintext is encrypted here, under the key
configured when ``migrate`` runs (DANGJIAN_DATA_KEY, or the instance's key file outside production)."""

from django.db import migrations, models

BATCH = 2000


def seal_numbers(apps, schema_editor):
    from dangjian.records.sealed import sealer

    Person = apps.get_model("people", "Person")
    rows = Person.objects.exclude(id_card="", mobile="").only("pk", "id_card", "mobile").order_by("pk")
    if not rows.exists():
        return
    s = sealer()
    fields = ["id_card_sealed", "id_card_digest", "mobile_sealed", "mobile_digest"]
    batch = []
    for person in rows.iterator(chunk_size=BATCH):
        batch.append(person)
        if len(batch) >= BATCH:
            _seal(s, batch)
            Person.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        _seal(s, batch)
        Person.objects.bulk_update(batch, fields)


def _seal(s, persons):
    for name in ("id_card", "mobile"):
        values = [getattr(p, name) or "" for p in persons]
        digests = [s.digest(name, v) for v in values]
        for p, sealed, digest in zip(persons, s.encrypt_many(name, values, digests), digests):
            setattr(p, f"{name}_sealed", sealed)
            setattr(p, f"{name}_digest", digest)


def open_numbers(apps, schema_editor):
    from dangjian.records.sealed import sealer

    Person = apps.get_model("people", "Person")
    rows = list(Person.objects.exclude(id_card_sealed="", mobile_sealed="").order_by("pk"))
    if not rows:
        return
    s = sealer()
    for name in ("id_card", "mobile"):
        values = s.open_many(name, [(getattr(p, f"{name}_sealed"), getattr(p, f"{name}_digest")) for p in rows])
        for p, v in zip(rows, values):
            setattr(p, name, v)
    Person.objects.bulk_update(rows, ["id_card", "mobile"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_name_initials")]

    operations = [
        migrations.AddField("person", "id_card_sealed", models.CharField(
            "身份证号（密文）", max_length=64, blank=True, default="", editable=False)),
        migrations.AddField("person", "id_card_digest", models.CharField(
            "身份证号（摘要）", max_length=32, blank=True, default="", editable=False)),
        migrations.AddField("person", "mobile_sealed", models.CharField(
            "手机号（密文）", max_length=64, blank=True, default="", editable=False)),
        migrations.AddField("person", "mobile_digest", models.CharField(
            "手机号（摘要）", max_length=32, blank=True, default="", editable=False)),
        migrations.RunPython(seal_numbers, open_numbers),
        migrations.RemoveField("person", "id_card"),
        migrations.RemoveField("person", "mobile"),
    ]
