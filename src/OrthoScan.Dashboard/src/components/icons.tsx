import type { SVGProps } from 'react';
import type { NavIcon } from '@/auth/navigation';

type IconProps = SVGProps<SVGSVGElement>;

function Svg({ children, ...props }: IconProps) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      width={18}
      height={18}
      {...props}
    >
      {children}
    </svg>
  );
}

const paths: Record<NavIcon | 'menu' | 'close' | 'search' | 'plus' | 'check' | 'alert' | 'user' | 'logo' | 'clock' | 'photo', JSX.Element> = {
  review: <><path d="M4 5h16v10H4z" /><path d="M8 19h8M12 15v4" /></>,
  messages: <><path d="M4 5h16v11H9l-5 4z" /><path d="M8 9h8M8 12h5" /></>,
  patients: <><circle cx="9" cy="8" r="3.25" /><path d="M3.5 19c.6-3 2.9-4.75 5.5-4.75S13.9 16 14.5 19" /><circle cx="17" cy="9" r="2.5" /><path d="M16 14.3c2.3.2 3.9 1.8 4.5 4.7" /></>,
  compliance: <><circle cx="12" cy="12" r="8" /><path d="m8.5 12.5 2.3 2.3 4.7-5" /></>,
  analytics: <path d="M5 19V11M10 19V6M15 19v-5M20 19V9" />,
  billing: <><rect x="3.5" y="6" width="17" height="12" rx="2" /><path d="M3.5 10h17M7 14.5h3" /></>,
  finance: <><path d="M4 19h16" /><path d="M6 15l4-4 3 3 5-6" /><path d="M15 8h3v3" /></>,
  practices: <><path d="M4 20V9l8-5 8 5v11" /><path d="M9.5 20v-5h5v5M12 8v3M10.5 9.5h3" /></>,
  audit: <><path d="M7 3.5h7l4 4V20.5H7z" /><path d="M14 3.5v4h4M9.5 12h6M9.5 15.5h6" /></>,
  exports: <><path d="M12 4v10M8 10l4 4 4-4" /><path d="M5 15v4h14v-4" /></>,
  settings: <><circle cx="12" cy="12" r="3" /><path d="M12 3.5v2.2M12 18.3v2.2M3.5 12h2.2M18.3 12h2.2M6 6l1.6 1.6M16.4 16.4 18 18M6 18l1.6-1.6M16.4 7.6 18 6" /></>,
  menu: <path d="M4 7h16M4 12h16M4 17h16" />,
  close: <path d="M6 6l12 12M18 6 6 18" />,
  search: <><circle cx="11" cy="11" r="6" /><path d="m20 20-4.5-4.5" /></>,
  plus: <path d="M12 5v14M5 12h14" />,
  check: <path d="m5 12.5 4.5 4.5L19 7.5" />,
  alert: <><circle cx="12" cy="12" r="8.5" /><path d="M12 7.5v5.5M12 16.2v.3" /></>,
  user: <><circle cx="12" cy="8.5" r="3.5" /><path d="M5 20c.8-3.6 3.6-5.5 7-5.5s6.2 1.9 7 5.5" /></>,
  logo: <><path d="M7 4.5c-2 0-3 1.6-3 3.6 0 3.4 1.4 6 2.3 9.2.4 1.4 2 1.5 2.4 0l.9-3.3c.3-1 1.5-1 1.8 0l.9 3.3c.4 1.5 2 1.4 2.4 0 .9-3.2 2.3-5.8 2.3-9.2 0-2-1-3.6-3-3.6-1.8 0-2.6 1-4 1s-2.2-1-4-1Z" /></>,
  clock: <><circle cx="12" cy="12" r="8" /><path d="M12 7.5V12l3 2" /></>,
  photo: <><rect x="3.5" y="5.5" width="17" height="13" rx="2" /><circle cx="9" cy="10" r="1.75" /><path d="m20.5 15.5-4.5-4.5-8.5 7.5" /></>,
};

export type IconName = keyof typeof paths;

export function Icon({ name, ...props }: IconProps & { name: IconName }) {
  return <Svg {...props}>{paths[name]}</Svg>;
}
