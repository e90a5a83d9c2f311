"""Anonymous voting cards (protocol 2): cards, one ballot per card, no table that keeps an order.

Drops the named sign-in (sign_in_codes, voters) and the version-1 ballot tables: a version-1
ballot carries no card and cannot be counted under version 2. Adds the election's one-way
states as a database fact (a trigger), and refuses ballots while voting is not open.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FORWARD = ("(OLD.state = 'ready' AND NEW.state = 'open') OR (OLD.state = 'open' AND NEW.state = 'closed') "
           "OR (OLD.state = 'closed' AND NEW.state = 'tallied')")
STATE_MESSAGE = "election state goes ready, open, closed, tallied, one way only"
OPEN_MESSAGE = "ballots are accepted only while voting is open"


def _round_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=f'fk_{table}_round_id_rounds', ondelete='CASCADE')


def _triggers_sqlite() -> None:
    op.execute(f"CREATE TRIGGER elections_state_forward BEFORE UPDATE OF state ON elections "
               f"WHEN NEW.state <> OLD.state AND NOT ({FORWARD}) "
               f"BEGIN SELECT RAISE(ABORT, '{STATE_MESSAGE}'); END")
    for table in ("ballots", "spoiled_ballots"):
        op.execute(f"CREATE TRIGGER {table}_only_while_open BEFORE INSERT ON {table} "
                   f"WHEN (SELECT state FROM elections WHERE round_id = NEW.round_id) IS NOT 'open' "
                   f"BEGIN SELECT RAISE(ABORT, '{OPEN_MESSAGE}'); END")


def _triggers_postgresql() -> None:
    op.execute(f"""CREATE FUNCTION tinnhiem_election_state() RETURNS trigger AS $$
BEGIN
  IF NEW.state <> OLD.state AND NOT ({FORWARD}) THEN RAISE EXCEPTION '{STATE_MESSAGE}'; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""")
    op.execute("CREATE TRIGGER elections_state_forward BEFORE UPDATE ON elections "
               "FOR EACH ROW EXECUTE FUNCTION tinnhiem_election_state()")
    op.execute(f"""CREATE FUNCTION tinnhiem_ballot_while_open() RETURNS trigger AS $$
BEGIN
  IF (SELECT state FROM elections WHERE round_id = NEW.round_id) IS DISTINCT FROM 'open' THEN
    RAISE EXCEPTION '{OPEN_MESSAGE}';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""")
    for table in ("ballots", "spoiled_ballots"):
        op.execute(f"CREATE TRIGGER {table}_only_while_open BEFORE INSERT ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION tinnhiem_ballot_while_open()")


def upgrade() -> None:
    for table in ("voters", "sign_in_codes", "ciphertexts", "cast_ballots"):
        op.drop_table(table)
    op.execute("UPDATE elections SET state = 'ready' WHERE state NOT IN ('ready', 'open', 'closed', 'tallied')")
    with op.batch_alter_table('elections') as batch:
        batch.add_column(sa.Column('cards_issued', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('ballots_at_close', sa.Integer(), nullable=True))
        batch.create_check_constraint('state', "state IN ('ready', 'open', 'closed', 'tallied')")
    # attendance without a sequence: keyed by (round, delegate); PostgreSQL's index names are the schema's,
    # so there the new table's constraints take their names once the old table is gone
    new = "_new" if op.get_bind().dialect.name == "postgresql" else ""
    op.create_table('attendance_new',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=True),
    _round_fk('attendance'),
    sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], name='fk_attendance_delegate_id_delegates', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'delegate_id', name=f'pk_attendance{new}'),
    sa.UniqueConstraint('delegate_id', name=f'uq_attendance_delegate{new}'),
    sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO attendance_new (round_id, delegate_id, present, channel) "
               "SELECT round_id, delegate_id, present, channel FROM attendance")
    op.drop_table('attendance')
    op.rename_table('attendance_new', 'attendance')
    if new:
        op.execute("ALTER TABLE attendance RENAME CONSTRAINT pk_attendance_new TO pk_attendance")
        op.execute("ALTER TABLE attendance RENAME CONSTRAINT uq_attendance_delegate_new TO uq_attendance_delegate")
    op.create_table('cards',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('credential', sa.String(length=64), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.Column('challenges', sa.Integer(), nullable=False),
    _round_fk('cards'),
    sa.PrimaryKeyConstraint('round_id', 'credential', name='pk_cards'),
    sqlite_with_rowid=False,
    )
    op.create_table('ballots',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('credential', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('short', sa.String(length=19), nullable=False),
    sa.Column('ballot', sa.JSON(), nullable=False),
    _round_fk('ballots'),
    sa.PrimaryKeyConstraint('round_id', 'credential', name='pk_ballots'),
    sa.UniqueConstraint('round_id', 'code', name='uq_ballots_round_code'),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_ballots_short', 'ballots', ['short'])
    op.create_table('spoiled_ballots',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('short', sa.String(length=19), nullable=False),
    sa.Column('credential', sa.String(length=64), nullable=False),
    sa.Column('ballot', sa.JSON(), nullable=False),
    sa.Column('secrets', sa.JSON(), nullable=False),
    _round_fk('spoiled_ballots'),
    sa.PrimaryKeyConstraint('round_id', 'code', name='pk_spoiled_ballots'),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_spoiled_ballots_short', 'spoiled_ballots', ['short'])
    op.create_table('ciphertexts',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('alpha', sa.String(length=64), nullable=False),
    _round_fk('ciphertexts'),
    sa.PrimaryKeyConstraint('round_id', 'alpha', name='pk_ciphertexts'),
    sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        _triggers_postgresql()
    else:
        _triggers_sqlite()


def downgrade() -> None:
    raise NotImplementedError("protocol 2 cannot be turned back into named sign-in")
