import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { ToggleSwitch } from '@codegouvfr/react-dsfr/ToggleSwitch';
import { api, fileToBase64, type DocumentFilters, type DocumentList, type DocumentSummary, type DocumentView, type RecordPart } from '../api.js';
import { useI18n } from '../i18n.js';
import { Link, currentLocation } from '../router.js';
import { useSession } from '../session.js';
import { Confirm, ErrorSummary, fieldId, fieldState, LoadState, Notice, Page, problemOf, useLoad, type Problem } from '../ui.js';
import { PARTS, PATIENT_TYPES } from './parts.js';
import { UPLOAD_ACCEPT, UPLOAD_MAX_BYTES, uploadMimeType, uploadProblem } from '../lib/validate.js';

const PAGE = 20;

function isPart(v: string | null): v is RecordPart {
  return v !== null && (PARTS as readonly string[]).includes(v);
}

function StatusBadges({ d }: { d: DocumentSummary }): ReactNode {
  const { t } = useI18n();
  return (
    <>
      {d.maskedFromProfessionals ? (
        <Badge small severity="warning">
          {t('docs.masked')}
        </Badge>
      ) : (
        <Badge small noIcon>
          {t('docs.visible')}
        </Badge>
      )}{' '}
      {d.status === 'superseded' && <Badge small severity="info">{t('docs.superseded')}</Badge>}
      {d.status === 'entered-in-error' && <Badge small severity="error">{t('docs.error')}</Badge>}
      {d.archived && <Badge small noIcon>{t('docs.archived')}</Badge>}
    </>
  );
}

function authorText(d: DocumentSummary): string {
  return [d.author.name, d.author.profession, d.author.structure].filter(Boolean).join(', ');
}

export function DocumentsPage(): ReactNode {
  const { t, dateTime } = useI18n();
  const { ins } = useSession();
  const initialPart = currentLocation().search.get('part');
  const [draft, setDraft] = useState<DocumentFilters>({ part: isPart(initialPart) ? initialPart : '', type: '', author: '', from: '', to: '', q: '' });
  const [filters, setFilters] = useState<DocumentFilters>(draft);
  const [count, setCount] = useState(PAGE);
  const loaded = useLoad<DocumentList>(() => api.documents(ins ?? '', { ...filters, offset: 0, count }), [ins, filters, count]);
  const set = (name: keyof DocumentFilters) => (e: { target: { value: string } }) => setDraft((f) => ({ ...f, [name]: e.target.value }));

  const apply = (e: FormEvent): void => {
    e.preventDefault();
    setCount(PAGE);
    setFilters({ ...draft });
  };
  const reset = (): void => {
    const empty = { part: '', type: '', author: '', from: '', to: '', q: '' };
    setDraft(empty);
    setFilters(empty);
    setCount(PAGE);
  };

  return (
    <Page title={t('docs.title')}>
      <p>
        <Button iconId="fr-icon-add-line" linkProps={{ href: '/documents/ajouter' }}>
          {t('docs.upload')}
        </Button>
      </p>
      <form onSubmit={apply} aria-labelledby="docs-filters-title" className="fr-mb-4w">
        <h2 id="docs-filters-title" className="fr-h5">
          {t('docs.filters')}
        </h2>
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-4">
            <Select label={t('docs.filter.part')} nativeSelectProps={{ id: 'filter-part', value: draft.part ?? '', onChange: set('part') }}>
              <option value="">{t('docs.filter.all')}</option>
              {PARTS.map((p) => (
                <option key={p} value={p}>
                  {t(`part.${p}`)}
                </option>
              ))}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input label={t('docs.filter.type')} hintText={t('docs.filter.typeHint')} nativeInputProps={{ id: 'filter-type', value: draft.type ?? '', onChange: set('type') }} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input label={t('docs.filter.author')} nativeInputProps={{ id: 'filter-author', value: draft.author ?? '', onChange: set('author') }} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input label={t('docs.filter.from')} nativeInputProps={{ id: 'filter-from', type: 'date', value: draft.from ?? '', onChange: set('from') }} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input label={t('docs.filter.to')} nativeInputProps={{ id: 'filter-to', type: 'date', value: draft.to ?? '', onChange: set('to') }} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input label={t('docs.filter.q')} nativeInputProps={{ id: 'filter-q', type: 'search', value: draft.q ?? '', onChange: set('q') }} />
          </div>
        </div>
        <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-mt-2w">
          <li>
            <Button type="submit" iconId="fr-icon-filter-line">
              {t('docs.filter.apply')}
            </Button>
          </li>
          <li>
            <Button type="button" priority="secondary" onClick={reset}>
              {t('docs.filter.reset')}
            </Button>
          </li>
        </ul>
      </form>
      <LoadState loaded={loaded}>
        {(list) => (
          <>
            <p role="status" aria-live="polite">
              {t('docs.count', { n: list.total })}
            </p>
            {list.documents.length === 0 ? (
              <p>{t('docs.empty')}</p>
            ) : (
              <div className="fr-table fr-table--no-caption">
                <div className="fr-table__wrapper">
                  <div className="fr-table__container">
                    <div className="fr-table__content">
                      <table>
                        <caption>{t('docs.title')}</caption>
                        <thead>
                          <tr>
                            <th scope="col">{t('docs.col.title')}</th>
                            <th scope="col">{t('docs.col.date')}</th>
                            <th scope="col">{t('docs.col.author')}</th>
                            <th scope="col">{t('docs.col.part')}</th>
                            <th scope="col">{t('docs.col.status')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {list.documents.map((d) => (
                            <tr key={d.id}>
                              <td>
                                <Link href={`/documents/${encodeURIComponent(d.id)}`}>{d.title}</Link>
                                <br />
                                <span className="fr-hint-text">{d.typeLabel}</span>
                              </td>
                              <td>{d.date ? dateTime(d.date) : t('docs.unknownDate')}</td>
                              <td>{authorText(d)}</td>
                              <td>{t(`part.${d.part}`)}</td>
                              <td>
                                <StatusBadges d={d} />
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </div>
                </div>
              </div>
            )}
            {list.documents.length < list.total && (
              <Button priority="secondary" onClick={() => setCount((c) => c + PAGE)} disabled={loaded.loading}>
                {t('docs.more')}
              </Button>
            )}
          </>
        )}
      </LoadState>
    </Page>
  );
}

function Content({ view }: { view: DocumentView }): ReactNode {
  const { t } = useI18n();
  const title = t('doc.frame', { title: view.document.title });
  switch (view.kind) {
    case 'cda':
      // The server renders the CDA narrative as inert HTML; the frame is sandboxed with no
      // permission at all (no script, no same origin, no form, no popup).
      return <iframe className="portal-doc-frame" title={title} sandbox="" srcDoc={view.html ?? ''} referrerPolicy="no-referrer" />;
    case 'pdf':
      // Chromium refuses to run its PDF viewer inside an iframe that has a `sandbox` attribute
      // (any value: "This page has been blocked"). The isolation of a PDF therefore comes from
      // the response itself, which the contract serves with `Content-Security-Policy: sandbox`
      // (opaque origin, no script) and `X-Content-Type-Options: nosniff`: checked in Chromium,
      // the viewer shows the PDF in a plain iframe with that header and nothing in it can reach
      // the portal's origin.
      return <iframe className="portal-doc-frame" title={title} src={view.contentUrl} referrerPolicy="no-referrer" />;
    case 'text':
      return <iframe className="portal-doc-frame" title={title} sandbox="" src={view.contentUrl} referrerPolicy="no-referrer" />;
    case 'image':
      return <img className="portal-doc-image" src={view.contentUrl} alt={view.document.title} referrerPolicy="no-referrer" />;
    default:
      return <p>{t('doc.noPreview')}</p>;
  }
}

export function DocumentPage({ id }: { id: string }): ReactNode {
  const { t, dateTime, size } = useI18n();
  const { ins } = useSession();
  const loaded = useLoad<DocumentView>(() => api.view(ins ?? '', id), [ins, id]);
  const [asking, setAsking] = useState<boolean | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();

  const setMasked = async (masked: boolean): Promise<void> => {
    try {
      await api.setMasked(ins ?? '', id, masked);
      if (loaded.data) loaded.setData({ ...loaded.data, document: { ...loaded.data.document, maskedFromProfessionals: masked } });
      setNotice(t(masked ? 'doc.masked' : 'doc.unmasked'));
      setProblem(undefined);
    } catch (e) {
      setProblem(problemOf(e, t));
    } finally {
      setAsking(undefined);
    }
  };

  return (
    <Page title={loaded.data?.document.title ?? t('doc.title')}>
      <p>
        <Link className="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/documents">
          {t('doc.back')}
        </Link>
      </p>
      <LoadState loaded={loaded}>
        {(view) => {
          const d = view.document;
          return (
            <>
              <h2>{t('doc.info')}</h2>
              <dl className="fr-mb-3w">
                <dt className="fr-text--bold">{t('doc.type')}</dt>
                <dd>{d.typeLabel}</dd>
                <dt className="fr-text--bold">{t('doc.date')}</dt>
                <dd>{d.date ? dateTime(d.date) : t('docs.unknownDate')}</dd>
                <dt className="fr-text--bold">{t('doc.author')}</dt>
                <dd>{authorText(d)}</dd>
                <dt className="fr-text--bold">{t('doc.part')}</dt>
                <dd>{t(`part.${d.part}`)}</dd>
                <dt className="fr-text--bold">{t('doc.size')}</dt>
                <dd>{size(d.size)}</dd>
              </dl>
              <StatusBadges d={d} />

              <h2 className="fr-mt-4w">{t('doc.content')}</h2>
              <Content view={view} />
              <p className="fr-mt-2w">
                <a className="fr-link fr-icon-download-line fr-link--icon-left" href={view.contentUrl} download>
                  {t('doc.download')}
                </a>
              </p>

              <h2 className="fr-mt-4w">{t('doc.visibility')}</h2>
              <Notice message={notice} />
              <ErrorSummary problem={problem} labels={{}} />
              <ToggleSwitch
                label={t('doc.mask')}
                helperText={t('doc.maskHint')}
                checked={d.maskedFromProfessionals}
                onChange={(checked) => setAsking(checked)}
                showCheckedHint={false}
                inputTitle={t('doc.mask')}
              />
              {asking !== undefined && (
                <Confirm
                  message={t(asking ? 'doc.maskConfirm' : 'doc.unmaskConfirm')}
                  onConfirm={() => setMasked(asking)}
                  onCancel={() => setAsking(undefined)}
                  danger={asking}
                />
              )}

              <h2 className="fr-mt-4w">{t('doc.seenBy')}</h2>
              {view.seenBy.length === 0 ? (
                <p>{t('doc.seenNone')}</p>
              ) : (
                <ul>
                  {view.seenBy.map((s, i) => (
                    <li key={`${s.name}-${s.at}-${i}`}>
                      {[s.name, s.profession].filter(Boolean).join(', ')} — {t('doc.seenAt', { date: dateTime(s.at) })}
                    </li>
                  ))}
                </ul>
              )}
              <p>
                <Link className="fr-link" href={`/historique?document=${encodeURIComponent(d.id)}`}>
                  {t('doc.history')}
                </Link>
              </p>
            </>
          );
        }}
      </LoadState>
    </Page>
  );
}

export function UploadPage(): ReactNode {
  const { t, lang, size } = useI18n();
  const { ins } = useSession();
  const presetType = currentLocation().search.get('type') ?? '';
  const [title, setTitle] = useState('');
  const [type, setType] = useState(PATIENT_TYPES.some((p) => p.code === presetType) ? presetType : '');
  const [file, setFile] = useState<File | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);
  const max = size(UPLOAD_MAX_BYTES);
  const labels = { title: t('upload.docTitle'), type: t('upload.type'), file: t('upload.file') };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!title.trim()) fields.title = t('err.required');
    if (!type) fields.type = t('err.required');
    const fp = uploadProblem(file);
    if (fp) fields.file = t(fp, { max });
    if (Object.keys(fields).length > 0 || !file) return setProblem({ fields });
    setBusy(true);
    try {
      const res = await api.upload(ins ?? '', { title: title.trim(), type, mimeType: uploadMimeType(file) ?? file.type, data: await fileToBase64(file) });
      setDone(res.id);
      setProblem(undefined);
      setTitle('');
      setFile(undefined);
      if (fileInput.current) fileInput.current.value = '';
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('upload.title')} lead={t('upload.intro')}>
      <div role="status" aria-live="polite">
        {done && (
          <Alert role={undefined}
            severity="success"
            small
            className="fr-mb-3w"
            description={
              <>
                {t('upload.done')} <Link href={`/documents/${encodeURIComponent(done)}`}>{t('upload.see')}</Link>
              </>
            }
          />
        )}
      </div>
      <p className="fr-hint-text">{t('app.required')}</p>
      <ErrorSummary problem={problem} labels={labels} />
      <form onSubmit={submit} noValidate>
        <Input
          label={`${labels.title} *`}
          hintText={t('upload.docTitleHint')}
          {...fieldState(problem, 'title')}
          nativeInputProps={{ id: fieldId('title'), name: 'title', required: true, maxLength: 200, value: title, onChange: (e) => setTitle(e.target.value) }}
        />
        <Select label={`${labels.type} *`} {...fieldState(problem, 'type')} nativeSelectProps={{ id: fieldId('type'), name: 'type', required: true, value: type, onChange: (e) => setType(e.target.value) }}>
          <option value="" disabled>
            {t('upload.choose')}
          </option>
          {PATIENT_TYPES.map((p) => (
            <option key={p.code} value={p.code}>
              {lang === 'fr' ? p.fr : p.en}
            </option>
          ))}
        </Select>
        <Upload
          label={`${labels.file} *`}
          hint={t('upload.fileHint', { max })}
          {...(problem?.fields.file ? { state: 'error' as const, stateRelatedMessage: problem.fields.file } : {})}
          nativeInputProps={{
            id: fieldId('file'),
            name: 'file',
            accept: UPLOAD_ACCEPT,
            required: true,
            ref: fileInput,
            onChange: (e) => setFile(e.target.files?.[0]),
          }}
          className="fr-mb-3w"
        />
        <Button type="submit" disabled={busy}>
          {t('upload.submit')}
        </Button>
      </form>
    </Page>
  );
}
