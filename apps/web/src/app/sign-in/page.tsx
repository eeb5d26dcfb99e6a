import { AuthForm } from '../../components/AuthForm';

export const metadata = { title: 'Sign in · Todo' };

export default function SignInPage() {
  return <AuthForm mode="sign-in" />;
}
