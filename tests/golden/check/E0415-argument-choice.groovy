pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                timeout(time: 5, unit: 'FORTNIGHTS') {
                    echo 'hi'
                }
            }
        }
    }
}
