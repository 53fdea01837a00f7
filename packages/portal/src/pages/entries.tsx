import { useState, type FormEvent, type ReactNode } from 'react';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { api, type DocumentList, type EntryKind, type NewEntry, type RecordPart, type StructuredEntry } from '../api.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { Confirm, ErrorSummary, fieldState, LoadState, Notice, Page, problemOf, useLoad, type Problem } from '../ui.js';
import { phoneProblem } from '../lib/validate.js';
import type { Key } from '../lib/i18n-dict.js';

type Section = 'medical-history' | 'emergency-contacts' | 'advance-directives';

const KINDS: Record<Section, readonly EntryKind[]> = {
  'medical-history': ['pathology', 'allergy'],
  'emergency-contacts': ['emergency-contact'],
  'advance-directives': ['advance-directive'],
};
const INTRO: Record<Section, Key> = {
  'medical-history': 'entries.medical.intro',
  'emergency-contacts': 'entries.contacts.intro',
  'advance-directives': 'entries.directives.intro',
};

interface Draft {
  label: string;
  detail: string;
  phone: string;
  text: string;
  date: string;
}
const emptyDraft: Draft = { label: '', detail: '', phone: '', text: '', date: '' };

function toDraft(e: StructuredEntry): Draft {
  return { label: e.label, detail: e.detail ?? '', phone: e.phone ?? '', text: e.text ?? '', date: e.date?.slice(0, 10) ?? '' };
}

function EntryForm({
  kind,
  initial,
  heading,
  onSave,
  onCancel,
}: {
  kind: EntryKind;
  initial: Draft;
  heading: string;
  onSave: (entry: NewEntry) => Promise<void>;
  onCancel: () => void;
}): ReactNode {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(initial);
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);
  const prefix = `entry-${kind}`;
  const idPrefix = `field-${kind}-`;
  const fid = (name: string): string => `${idPrefix}${name}`;
  const set = (name: keyof Draft) => (e: { target: { value: string } }) => setD((x) => ({ ...x, [name]: e.target.value }));
  const hasDetail = kind !== 'advance-directive';
  const hasPhone = kind === 'emergency-contact';
  const hasText = kind === 'advance-directive';
  const hasDate = kind === 'pathology' || kind === 'advance-directive';
  const labels: Record<string, string> = {
    label: t(`entries.label.${kind}`),
    ...(hasDetail ? { detail: t(kind === 'emergency-contact' ? 'entries.detail.emergency-contact' : kind === 'allergy' ? 'entries.detail.allergy' : 'entries.detail.pathology') } : {}),
    ...(hasPhone ? { phone: t('entries.phone') } : {}),
    ...(hasText ? { text: t('entries.text') } : {}),
    ...(hasDate ? { date: t(kind === 'pathology' ? 'entries.date.pathology' : 'entries.date.advance-directive') } : {}),
  };
  const requiredFields = new Set(['label', ...(hasPhone ? ['detail', 'phone'] : []), ...(hasText ? ['text', 'date'] : [])]);
  const lab = (name: string): string => `${labels[name] ?? name}${requiredFields.has(name) ? ' *' : ''}`;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    for (const name of requiredFields) if (!d[name as keyof Draft].trim()) fields[name] = t('err.required');
    if (hasPhone && !fields.phone) {
      const p = phoneProblem(d.phone, true);
      if (p && !/^\+?[\d\s.-]{6,20}$/.test(d.phone)) fields.phone = t(p);
    }
    if (Object.keys(fields).length > 0) return setProblem({ fields });
    const entry: NewEntry = {
      kind,
      label: d.label.trim(),
      ...(hasDetail && d.detail.trim() ? { detail: d.detail.trim() } : {}),
      ...(hasPhone && d.phone.trim() ? { phone: d.phone.trim() } : {}),
      ...(hasText && d.text.trim() ? { text: d.text.trim() } : {}),
      ...(hasDate && d.date ? { date: d.date } : {}),
    };
    setBusy(true);
    try {
      await onSave(entry);
    } catch (err) {
      setProblem(problemOf(err, t));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${prefix}-form-title`} className="fr-p-3w fr-mb-3w fr-background-alt--grey">
      <h3 id={`${prefix}-form-title`} className="fr-h5">
        {heading}
      </h3>
      <ErrorSummary problem={problem} labels={labels} idPrefix={idPrefix} />
      <Input label={lab('label')} {...fieldState(problem, 'label')} nativeInputProps={{ id: fid('label'), value: d.label, onChange: set('label'), required: true, maxLength: 200 }} />
      {hasDetail && (
        <Input
          label={lab('detail')}
          hintText={kind === 'emergency-contact' ? t('entries.detail.emergency-contactHint') : undefined}
          {...fieldState(problem, 'detail')}
          nativeInputProps={{ id: fid('detail'), value: d.detail, onChange: set('detail'), maxLength: 500 }}
        />
      )}
      {hasPhone && (
        <Input label={lab('phone')} {...fieldState(problem, 'phone')} nativeInputProps={{ id: fid('phone'), type: 'tel', autoComplete: 'off', value: d.phone, onChange: set('phone') }} />
      )}
      {hasText && (
        <Input
          textArea
          label={lab('text')}
          hintText={t('entries.textHint')}
          {...fieldState(problem, 'text')}
          nativeTextAreaProps={{ id: fid('text'), value: d.text, onChange: set('text'), rows: 8 }}
        />
      )}
      {hasDate && <Input label={lab('date')} {...fieldState(problem, 'date')} nativeInputProps={{ id: fid('date'), type: 'date', value: d.date, onChange: set('date') }} />}
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm">
        <li>
          <Button type="submit" disabled={busy}>
            {t('app.save')}
          </Button>
        </li>
        <li>
          <Button type="button" priority="secondary" onClick={onCancel}>
            {t('app.cancel')}
          </Button>
        </li>
      </ul>
    </form>
  );
}

function EntryList({ kind, headingKey }: { kind: EntryKind; headingKey?: Key }): ReactNode {
  const { t, date, dateTime } = useI18n();
  const { ins } = useSession();
  const loaded = useLoad<StructuredEntry[]>(() => api.entries(ins ?? '', kind), [ins, kind]);
  const [editing, setEditing] = useState<string | 'new' | undefined>();
  const [deleting, setDeleting] = useState<StructuredEntry | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();

  const save = async (entry: NewEntry): Promise<void> => {
    if (editing === 'new') await api.createEntry(ins ?? '', entry);
    else if (editing) await api.updateEntry(ins ?? '', editing, entry);
    setEditing(undefined);
    setNotice(t('app.saved'));
    loaded.reload();
  };
  const remove = async (e: StructuredEntry): Promise<void> => {
    try {
      await api.deleteEntry(ins ?? '', e.id);
      setNotice(t('entries.deleted'));
      setProblem(undefined);
      loaded.reload();
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setDeleting(undefined);
    }
  };

  return (
    <section aria-labelledby={`list-${kind}`} className="fr-mb-6w">
      <h2 id={`list-${kind}`}>{t(headingKey ?? `entries.${kind === 'pathology' ? 'pathology' : 'allergy'}`)}</h2>
      <Notice message={notice} />
      <ErrorSummary problem={problem} labels={{}} />
      <LoadState loaded={loaded}>
        {(entries) =>
          entries.length === 0 ? (
            <p>{t('entries.empty')}</p>
          ) : (
            <ul className="portal-list-plain">
              {entries.map((e) => (
                <li key={e.id} className="portal-entry">
                  {editing === e.id ? (
                    <EntryForm kind={kind} initial={toDraft(e)} heading={t(`entries.edit.${kind}`, { label: e.label })} onSave={save} onCancel={() => setEditing(undefined)} />
                  ) : (
                    <>
                      <h3 className="fr-h6 fr-mb-1v">{e.label}</h3>
                      {e.detail && <p className="fr-mb-1v">{e.detail}</p>}
                      {e.phone && (
                        <p className="fr-mb-1v">
                          {t('entries.phone')} : <a href={`tel:${e.phone.replace(/\s/g, '')}`}>{e.phone}</a>
                        </p>
                      )}
                      {e.text && <p className="fr-mb-1v" style={{ whiteSpace: 'pre-wrap' }}>{e.text}</p>}
                      {e.date && <p className="fr-mb-1v">{`${t('entries.date')} : ${date(e.date)}`}</p>}
                      <p className="fr-hint-text">{t('entries.recordedAt', { date: dateTime(e.recordedAt) })}</p>
                      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm" aria-label={t('entries.actionsFor', { label: e.label })}>
                        <li>
                          <Button priority="secondary" size="small" iconId="fr-icon-edit-line" onClick={() => setEditing(e.id)}>
                            {t('app.edit')}
                            <span className="fr-sr-only"> {e.label}</span>
                          </Button>
                        </li>
                        <li>
                          <Button priority="tertiary" size="small" iconId="fr-icon-delete-line" onClick={() => setDeleting(e)}>
                            {t('app.delete')}
                            <span className="fr-sr-only"> {e.label}</span>
                          </Button>
                        </li>
                      </ul>
                      {deleting?.id === e.id && (
                        <Confirm danger message={t('entries.deleteConfirm', { label: e.label })} confirmLabel={t('app.delete')} onConfirm={() => remove(e)} onCancel={() => setDeleting(undefined)} />
                      )}
                    </>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
      {editing === 'new' ? (
        <EntryForm kind={kind} initial={emptyDraft} heading={t(`entries.add.${kind}`)} onSave={save} onCancel={() => setEditing(undefined)} />
      ) : (
        <Button iconId="fr-icon-add-line" onClick={() => setEditing('new')} disabled={editing !== undefined}>
          {t(`entries.add.${kind}`)}
        </Button>
      )}
    </section>
  );
}

function PartDocuments({ part }: { part: RecordPart }): ReactNode {
  const { t, dateTime } = useI18n();
  const { ins } = useSession();
  const loaded = useLoad<DocumentList>(() => api.documents(ins ?? '', { part, count: 20 }), [ins, part]);
  return (
    <section aria-labelledby="part-docs" className="fr-mb-6w">
      <h2 id="part-docs">{t('entries.documents')}</h2>
      <LoadState loaded={loaded}>
        {(list) =>
          list.documents.length === 0 ? (
            <p>{t('home.empty')}</p>
          ) : (
            <ul>
              {list.documents.map((d) => (
                <li key={d.id}>
                  <Link href={`/documents/${encodeURIComponent(d.id)}`}>{d.title}</Link>
                  {d.date && <> — {dateTime(d.date)}</>}
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </section>
  );
}

export function EntriesPage({ section }: { section: Section }): ReactNode {
  const { t } = useI18n();
  const kinds = KINDS[section];
  const singleHeading: Partial<Record<EntryKind, Key>> = {
    'emergency-contact': 'part.emergency-contacts',
    'advance-directive': 'part.advance-directives',
  };
  return (
    <Page title={t(`part.${section}`)} lead={t(INTRO[section])}>
      {section === 'advance-directives' && (
        <p>
          <Button priority="secondary" iconId="fr-icon-upload-line" linkProps={{ href: '/documents/ajouter?type=EXPPAT_3' }}>
            {t('entries.directives.upload')}
          </Button>
        </p>
      )}
      {kinds.map((k) => (
        <EntryList key={k} kind={k} headingKey={singleHeading[k]} />
      ))}
      <PartDocuments part={section} />
    </Page>
  );
}
