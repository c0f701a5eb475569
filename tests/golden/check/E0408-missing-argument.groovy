pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                timeout {
                    echo 'hi'
                }
            }
        }
    }
}
