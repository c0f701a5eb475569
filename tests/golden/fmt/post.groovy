pipeline {
    agent any
    stages {
        stage('one') {
            steps { echo 'hi' }
            post { failure { echo 'stage failed' } }
        }
    }
    post {
        always {
            junit   'build/reports/**/*.xml'
        }
        success { echo 'ok' }
        unstable {
        }
        cleanup {
            deleteDir()
        }
    }
}
